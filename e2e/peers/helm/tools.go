//go:build tools

// Helm v3.22.0 built from its Go module (see BUILD): the reference for Helm's values semantics
// and the installer of VirtRigaud's own chart in the migration test.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
