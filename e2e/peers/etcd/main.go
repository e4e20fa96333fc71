// Command etcd is upstream etcd's own entry point (go.etcd.io/etcd/server/v3/etcdmain), built from
// the version pinned in go.mod; the etcd repository's main module cannot be built with `go install`.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
