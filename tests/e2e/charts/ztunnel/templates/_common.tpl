{{- /*
Written for this project's e2e tests; not taken from Istio. The same file is in all four test charts.

Value layout, as in Istio 1.24+: the chart defaults sit under `_internal_defaults_do_not_set` in values.yaml and
users set keys at the top level. "testistio.values" computes the values the templates read:

  defaults <- profile file <- platform file <- [ztunnel: profile global.* then user global.*] <- user values

(deep merge, last wins, lists replaced), then, for istiod and cni, everything under the `pilot.` / `cni.` prefix is
merged over the top level, so `pilot.X` wins over `X`. Charts packaged as a version below 1.24 behave like Istio
1.22/1.23: the top-level (unprefixed) form of the prefixable keys is ignored, and `global.platform` is neither
validated nor applied. Version 0.0.0 (the unpackaged placeholder) behaves like the newest line.

Call: {{- $o := dict }}{{- include "testistio.values" (dict "root" . "out" $o "prefix" "pilot" "prefixable" $keys "flattenGlobals" false) }}
Result: $o.values (native types; no YAML round trip).
*/ -}}
{{- define "testistio.legacy" -}}
{{- if and (semverCompare ">=1.0.0-0" .Chart.Version) (semverCompare "<1.24.0-0" .Chart.Version) }}true{{ end -}}
{{- end -}}

{{- define "testistio.values" -}}
{{- $root := .root -}}
{{- $user := dict -}}
{{- range $k, $val := $root.Values -}}
{{- if kindIs "invalid" $val -}}
{{- $_ := set $user $k $val -}}
{{- else -}}
{{- $_ := set $user $k (deepCopy $val) -}}
{{- end -}}
{{- end -}}
{{- $defaults := dict -}}
{{- with index $user "_internal_defaults_do_not_set" }}{{ $defaults = . }}{{ end -}}
{{- $_ := unset $user "_internal_defaults_do_not_set" -}}
{{- $legacy := eq (include "testistio.legacy" $root) "true" -}}

{{- /* profile: only `ambient` (and none) exist in this test double */ -}}
{{- $profile := get $user "profile" | default (get $defaults "profile") -}}
{{- if and .flattenGlobals (not $profile) }}{{ $profile = dig "global" "profile" "" $user }}{{ end -}}
{{- $profileValues := dict -}}
{{- if $profile -}}
{{- if not (has (toString $profile) (list "ambient")) -}}
{{- fail (printf "unknown profile %v" $profile) -}}
{{- end -}}
{{- $profileValues = $root.Files.Get (printf "files/profile-%s.yaml" $profile) | fromYaml -}}
{{- end -}}

{{- with get $user "compatibilityVersion" -}}
{{- fail (printf "unknown compatibility version %v (this test chart has no compatibility profiles)" .) -}}
{{- end -}}

{{- /* platform: validated and applied from 1.24 */ -}}
{{- $platformValues := dict -}}
{{- if not $legacy -}}
{{- $platform := coalesce (get $user "platform") (dig "global" "platform" "" $user) "" -}}
{{- if $platform -}}
{{- if not (has (toString $platform) (list "k3d" "k3s" "microk8s" "minikube" "openshift" "gke")) -}}
{{- fail (printf "unknown platform %v" $platform) -}}
{{- end -}}
{{- $platformValues = $root.Files.Get (printf "files/profile-platform-%s.yaml" $platform) | fromYaml -}}
{{- end -}}
{{- end -}}

{{- if $legacy -}}
{{- range .prefixable }}{{ $_ := unset $user . }}{{ end -}}
{{- end -}}

{{- $merged := mustMergeOverwrite (deepCopy $defaults) $profileValues $platformValues -}}
{{- if .flattenGlobals -}}
{{- $globals := mustMergeOverwrite (dict) (deepCopy (get $profileValues "global" | default dict)) (deepCopy (get $user "global" | default dict)) -}}
{{- $merged = mustMergeOverwrite $merged $globals -}}
{{- end -}}
{{- $merged = mustMergeOverwrite $merged $user -}}
{{- if .prefix -}}
{{- with get $merged .prefix -}}
{{- $merged = mustMergeOverwrite $merged (deepCopy .) -}}
{{- end -}}
{{- end -}}
{{- if not (get $merged "global") }}{{ $_ := set $merged "global" dict }}{{ end -}}
{{- $_ := set .out "values" $merged -}}
{{- end -}}

{{- /* Labels every object gets. Call with (dict "root" $ "name" "istiod"). */ -}}
{{- define "testistio.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: istio
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- /*
Image reference: `image` if it contains "/", else <hub>/<image>:<tag>[-<variant>], each of hub/tag/variant from the
chart's own key or else global.*; the tag falls back to the chart's appVersion. Call with
(dict "root" $ "values" $v "default" "pilot").
*/ -}}
{{- define "testistio.image" -}}
{{- $v := .values -}}
{{- $g := get $v "global" | default dict -}}
{{- $image := get $v "image" | default .default | toString -}}
{{- if contains "/" $image -}}
{{- $image -}}
{{- else -}}
{{- $hub := get $v "hub" | default (get $g "hub") | default "docker.io/istio" | toString -}}
{{- $tag := get $v "tag" | default (get $g "tag") | default .root.Chart.AppVersion | toString -}}
{{- $variant := get $v "variant" | default (get $g "variant") | default "" | toString -}}
{{- printf "%s/%s:%s" $hub $image $tag -}}{{ if $variant }}-{{ $variant }}{{ end -}}
{{- end -}}
{{- end -}}

{{- /* Tolerations that let a node agent run on every node, tainted or not. */ -}}
{{- define "testistio.nodeAgentTolerations" -}}
- effect: NoSchedule
  operator: Exists
- key: CriticalAddonsOnly
  operator: Exists
- effect: NoExecute
  operator: Exists
{{- end -}}
