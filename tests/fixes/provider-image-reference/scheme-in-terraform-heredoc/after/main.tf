resource "spectrocloud_cluster_profile" "edge" {
  name  = "edge-store"
  cloud = "edge-native"
  type  = "infra"

  pack {
    name   = "edge-native-byoi"
    tag    = "2.0.0"
    values = <<-EOT
      pack:
        content:
          images:
            - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
      providerCredentials:
        registry: "harbor.example.com"
        user: robot-edge
        password: '{{.spectro.macro.REGISTRY_PASSWORD}}'
      options:
        system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
    EOT
  }
}
