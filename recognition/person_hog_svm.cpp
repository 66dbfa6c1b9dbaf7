#include <cstring>
#include <vector>

#include <opencv2/objdetect.hpp>

#include "person_hog_svm.h"

int fc_hog_default_people(float *out, int cap) {
    std::vector<float> v = cv::HOGDescriptor::getDefaultPeopleDetector();
    int n = static_cast<int>(v.size());
    if (n <= cap) {
        std::memcpy(out, v.data(), v.size() * sizeof(float));
    }
    return n;
}
