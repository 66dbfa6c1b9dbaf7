package casefile

import (
	"encoding/json"
	"fmt"
	"io"
)

// maxManifestSize bounds the manifest read into memory.
const maxManifestSize = 256 << 20

func (v *bundleVerifier) readManifest() {
	for _, zf := range v.zr.File {
		if zf.Name != MemberManifest {
			continue
		}
		if zf.UncompressedSize64 > maxManifestSize {
			v.r.addOnce("member "+MemberManifest, "is %d bytes, too large to be a manifest", zf.UncompressedSize64)
			return
		}
		rc, err := zf.Open()
		if err != nil {
			v.r.addOnce("member "+MemberManifest, "cannot be read: %v", err)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(rc, maxManifestSize))
		rc.Close()
		if err != nil {
			v.r.addOnce("member "+MemberManifest, "is damaged: %v", err)
			v.damaged[MemberManifest] = true
		}
		m, jerr := parseManifest(raw)
		if jerr != nil {
			v.r.addOnce("member "+MemberManifest, "is not a valid manifest: %v", jerr)
			v.damaged[MemberManifest] = true
			return
		}
		v.manifest, v.rawMan = m, raw
		v.r.Export, v.r.AuditHead = m.Export, m.AuditHead
		return
	}
	v.r.addOnce("member "+MemberManifest, "missing")
}

// parseManifest reads a bundle's manifest.json. What it says is only
// trusted once the manifest rebuilt from the snapshot equals it byte for
// byte (see rebuild).
func parseManifest(raw []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.Format != "facecase-bundle" {
		return nil, fmt.Errorf("format %q is not facecase-bundle", m.Format)
	}
	return &m, nil
}

// checkAgainstManifest compares every member with the manifest's list.
func (v *bundleVerifier) checkAgainstManifest() {
	if v.manifest == nil {
		return
	}
	listed := map[string]BundleMember{}
	for _, m := range v.manifest.Members {
		listed[m.Name] = m
	}
	for _, m := range v.r.Members {
		if m.Name == MemberManifest {
			continue
		}
		want, ok := listed[m.Name]
		switch {
		case !ok:
			v.r.addOnce("member "+m.Name, "is not listed in the manifest (added)")
		case want.SHA256 != m.SHA256 || want.Size != m.Size:
			v.r.addOnce("member "+m.Name, "was changed: SHA-256 %s, the manifest records %s", m.SHA256, want.SHA256)
			v.damaged[m.Name] = true
		}
	}
	for _, m := range v.manifest.Members {
		if _, ok := v.members[m.Name]; !ok {
			v.r.addOnce("member "+m.Name, "listed in the manifest but missing (deleted)")
		}
	}
}
