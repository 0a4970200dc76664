resource "spectrocloud_cluster_profile" "edge" {
  name  = "edge-store"
  cloud = "edge-native"
  type  = "infra"

  pack {
    name   = "edge-native-byoi"
    tag    = "2.0.0"
    values = "pack:\n  content:\n    images:\n      - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'\nproviderCredentials:\n  registry: harbor.example.com\n  user: robot-edge\n  password: '{{.spectro.macro.REGISTRY_PASSWORD}}'\noptions:\n  system.uri: harbor.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3\n"
  }
}
