module servicemesh.local/tools/embedgen

go 1.24.0
