{{- /* Written for this project's e2e tests. */ -}}
{{- define "base.load" -}}
{{- include "testistio.values" (dict "root" .root "out" .out "prefix" "" "prefixable" list "flattenGlobals" false) -}}
{{- end -}}
