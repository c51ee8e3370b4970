#!/usr/bin/env python3
# Writes the values.schema.json of the e2e test-double charts: the value keys Istio's chart of each name accepts
# (union over Istio 1.22-1.27, plus the Solo keys platforms/license/ztunnel network), closed everywhere we know the
# keys, so a key Istio does not have is rejected. Usage: gen-schemas.py tests/e2e/charts
import json, copy
S={"type":"string"}; B={"type":"boolean"}; I={"type":"integer"}; N={"type":"number"}
SN={"type":["string","number"]}; IS={"type":["integer","string"]}
O={"type":"object"}; A={"type":"array"}
AS={"type":"array","items":{"type":"string"}}
SMAP={"type":"object","additionalProperties":{"type":"string"}}
ENV={"type":"object","additionalProperties":{"type":["string","number","boolean"]}}
def closed(props, desc=None):
    d={"type":"object","additionalProperties":False,"properties":props}
    if desc: d["description"]=desc
    return d
RES=closed({"requests":O,"limits":O,"claims":A})
PROFILE={"type":"string","description":"\"\" or ambient (the only profile this test double has)"}
COMPAT={"type":"string","description":"not supported by this test double (any value fails)"}
PLATFORM={"type":"string","description":"\"\", k3d, k3s, microk8s, minikube, openshift or gke (checked by the templates)"}

def schema(title, props):
    values=closed(props)
    root=closed(dict(props, _internal_defaults_do_not_set={"$ref":"#/definitions/values"}))
    root["$schema"]="http://json-schema.org/draft-07/schema#"
    root["title"]=title
    root["description"]=("Written for this project's e2e tests: the value keys Istio's chart of this name accepts "
        "(union over Istio 1.22-1.27), so a key Istio's chart does not have is rejected.")
    root["definitions"]={"values":values}
    # key order: $schema, title, description first
    out={k:root[k] for k in ["$schema","title","description","type","additionalProperties","properties","definitions"]}
    return out

# ---------------- base
base_global=closed({"imagePullSecrets":AS,"istioNamespace":S,"externalIstiod":B,"remotePilotAddress":S,
    "platform":PLATFORM,"ipFamilyPolicy":S,"ipFamilies":AS})
base_base=closed({"excludedCRDs":AS,"enableCRDTemplates":B,"validationURL":S,"validationCABundle":S,
    "enableIstioConfigCRDs":B})
base=schema("base chart values (test double)", {
    "global":base_global,"base":base_base,"defaultRevision":S,
    "experimental":closed({"stableValidationPolicy":B}),
    "profile":PROFILE,"compatibilityVersion":COMPAT})

# ---------------- istiod
pilot_keys={
 "autoscaleEnabled":B,"autoscaleMin":I,"autoscaleMax":I,"autoscaleBehavior":O,"replicaCount":I,
 "rollingMaxSurge":IS,"rollingMaxUnavailable":IS,"hub":S,"tag":SN,"variant":S,"image":S,"traceSampling":N,
 "resources":RES,"seccompProfile":O,"cni":closed({"enabled":B,"provider":S}),"extraContainerArgs":A,"env":ENV,
 "envVarFrom":A,"taint":closed({"enabled":B,"namespace":S}),"affinity":O,"tolerations":A,
 "cpu":closed({"targetAverageUtilization":I}),"memory":closed({"targetAverageUtilization":I}),
 "volumeMounts":A,"volumes":A,"initContainers":A,"nodeSelector":SMAP,"podAnnotations":SMAP,
 "serviceAnnotations":SMAP,"serviceAccountAnnotations":SMAP,"sidecarInjectorWebhookAnnotations":SMAP,
 "topologySpreadConstraints":A,"jwksResolverExtraRootCA":S,"keepaliveMaxServerConnectionAge":S,
 "deploymentLabels":SMAP,"deploymentAnnotations":SMAP,"configMap":B,"podLabels":SMAP,"ipFamilyPolicy":S,
 "ipFamilies":AS,"trustedZtunnelNamespace":S,"trustedZtunnelName":S,"gatewayClasses":O,
 "pdb":closed({"minAvailable":IS,"unhealthyPodEvictionPolicy":S}),
}
pilot=closed(dict(pilot_keys, configSource=O),
    "Istio 1.22 form of the istiod keys; wins over the top-level form in 1.24+")
istiod_global_props={
 "istioNamespace":S,"certSigners":AS,"defaultPodDisruptionBudget":closed({"enabled":B}),"defaultResources":RES,
 "hub":S,"tag":SN,"variant":S,"imagePullPolicy":S,"imagePullSecrets":AS,"istiod":O,"logAsJson":B,
 "logging":closed({"level":S}),"omitSidecarInjectorConfigMap":B,"operatorManageWebhooks":B,
 "priorityClassName":S,"proxy":O,"proxy_init":O,"remotePilotAddress":S,"caAddress":S,"externalIstiod":B,
 "configCluster":B,"configValidation":B,"meshID":S,"meshNetworks":O,"mountMtlsCerts":B,
 "multiCluster":closed({"enabled":B,"clusterName":S}),"network":S,"pilotCertProvider":S,"sds":O,"sts":O,
 "caName":S,"autoscalingv2API":B,"waypoint":O,"nativeNftables":B,"platform":PLATFORM,
}
mesh_keys=["proxyListenPort","proxyInboundListenPort","proxyHttpPort","connectTimeout","protocolDetectionTimeout",
 "tcpKeepalive","ingressClass","ingressService","ingressControllerMode","ingressSelector","enableTracing",
 "accessLogFile","accessLogFormat","accessLogEncoding","enableEnvoyAccessLogService","disableEnvoyListenerLog",
 "outboundTrafficPolicy","inboundTrafficPolicy","configSources","enableAutoMtls","trustDomain",
 "trustDomainAliases","caCertificates","defaultServiceExportTo","defaultVirtualServiceExportTo",
 "defaultDestinationRuleExportTo","rootNamespace","localityLbSetting","dnsRefreshRate","h2UpgradePolicy",
 "inboundClusterStatName","outboundClusterStatName","certificates","serviceSettings","enablePrometheusMerge",
 "verifyCertificateAtClient","ca","extensionProviders","defaultProviders","discoverySelectors",
 "pathNormalization","defaultHttpRetryPolicy","meshMTLS","tlsDefaults","serviceScopeConfigs"]
mesh_props={k:{} for k in mesh_keys}
mesh_props.update({"trustDomain":S,"trustDomainAliases":AS,"rootNamespace":S,"enablePrometheusMerge":B,
  "enableTracing":B,"enableAutoMtls":B,"accessLogFile":S,"accessLogFormat":S,"accessLogEncoding":S,
  "ingressClass":S,"ingressService":S,"ingressControllerMode":S,"extensionProviders":A,"discoverySelectors":A,
  "defaultConfig":{"type":"object","description":"ProxyConfig (open)","properties":{"proxyMetadata":ENV}}})
meshConfig=closed(mesh_props,"MeshConfig: its top-level fields are checked, nested ones are not")
istiod_props=dict(pilot_keys)
istiod_props.update({
 "pilot":pilot,"sidecarInjectorWebhook":O,
 "istiodRemote":closed({"enabled":B,"injectionURL":S,"injectionPath":S,"injectionCABundle":S,
    "enabledLocalInjectorIstiod":B}),
 "telemetry":O,"revision":S,"revisionTags":AS,"ownerName":S,"meshConfig":meshConfig,"experimental":O,
 "global":closed(istiod_global_props),
 "base":closed({"enableIstioConfigCRDs":B,"validationCABundle":S,"validationURL":S,"excludedCRDs":AS,
    "enableCRDTemplates":B}),
 "istio_cni":closed({"enabled":B,"chained":B,"provider":S}),"gateways":O,
 "profile":PROFILE,"compatibilityVersion":COMPAT,"platform":PLATFORM,
 # the Solo distribution's istiod chart
 "platforms":closed({"peering":closed({"enabled":B})},"Solo distribution: multicluster peering"),
 "license":closed({"value":S,"secretRef":{"type":["string","object"],"additionalProperties":False,"properties":{"name":S,"key":S}}},"Solo distribution: license key (secretRef: {name, key} or a Secret name)"),
})
istiod=schema("istiod chart values (test double)", istiod_props)

# ---------------- cni
cni_keys={
 "hub":S,"tag":SN,"variant":S,"image":S,"pullPolicy":S,"logLevel":S,"logging":closed({"level":S}),
 "cniBinDir":S,"cniConfDir":S,"cniConfFileName":S,"cniNetnsDir":S,"excludeNamespaces":AS,"affinity":O,
 "podAnnotations":SMAP,"chained":B,"provider":S,
 "ambient":closed({"enabled":B,"configDir":S,"dnsCapture":B,"ipv6":B,"reconcileIptablesOnStartup":B,
    "shareHostNetworkNamespace":B,"enablementSelectors":A}),
 "repair":O,"seccompProfile":O,"seLinuxOptions":O,"resources":RES,
 "resourceQuotas":closed({"enabled":B,"pods":IS}),"rollingMaxUnavailable":IS,"updateStrategy":O,
 "istioOwnedCNIConfigFileName":S,"istioOwnedCNIConfig":B,"tolerations":A,"env":ENV,
}
cni_props=dict(cni_keys)
cni_props.update({
 "cni":closed(dict(cni_keys),"Istio 1.22 form of the cni keys; wins over the top-level form in 1.24+"),
 "revision":S,"ownerName":S,"profile":PROFILE,"compatibilityVersion":COMPAT,"platform":PLATFORM,
 "global":closed({"hub":S,"tag":SN,"variant":S,"imagePullPolicy":S,"logging":closed({"level":S}),
    "logAsJson":B,"imagePullSecrets":AS,"defaultResources":RES,"nativeNftables":B,"platform":PLATFORM}),
})
cni=schema("cni chart values (test double)", cni_props)

# ---------------- ztunnel
z_keys={
 "hub":S,"tag":SN,"variant":S,"image":S,"resourceName":S,"labels":SMAP,"annotations":SMAP,
 "podAnnotations":SMAP,"podLabels":SMAP,"volumeMounts":A,"volumes":A,"resources":RES,
 "resourceQuotas":closed({"enabled":B,"pods":IS}),"imagePullSecrets":AS,"env":ENV,"imagePullPolicy":S,
 "multiCluster":closed({"clusterName":S}),"network":S,
 "meshConfig":closed({"defaultConfig":{"type":"object","properties":{"proxyMetadata":ENV}}}),
 "terminationGracePeriodSeconds":I,"revision":S,"caAddress":S,"xdsAddress":S,"istioNamespace":S,
 "logLevel":S,"logAsJson":B,"seLinuxOptions":O,"updateStrategy":O,"tolerations":A,"nodeSelector":SMAP,
 "affinity":O,"platform":PLATFORM,"ownerName":S,"trustBundleName":S,"profile":PROFILE,
}
zg=dict(istiod_global_props); zg.update(z_keys)
zg["multiCluster"]=closed({"enabled":B,"clusterName":S})
ztunnel=schema("ztunnel chart values (test double)", dict(z_keys, **{"global":closed(zg,
  "flattened into the top level (a top-level key wins); accepts the ztunnel keys and istiod's global keys"),
  "compatibilityVersion":COMPAT}))

import sys
root=sys.argv[1]
for name,s in [("base",base),("istiod",istiod),("cni",cni),("ztunnel",ztunnel)]:
    with open(f"{root}/{name}/values.schema.json","w") as f:
        json.dump(s,f,indent=2); f.write("\n")
print("ok")
