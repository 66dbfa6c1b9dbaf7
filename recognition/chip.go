package recognition

// ChipSize is the side of dlib's aligned face chip, in pixels.
const ChipSize = 150

// ChipPadding is dlib's padding around the face in the aligned chip.
const ChipPadding = 0.25
