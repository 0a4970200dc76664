# The depot sites' profile and cluster, kept in Terraform (the Spectro Cloud provider). palette-lint reads
# each pack's values where they are written: a heredoc here, a file read with file() below.

resource "spectrocloud_cluster_profile" "depot_infra" {
  name    = "depot-infra"
  version = "1.2.0"
  cloud   = "edge-native"
  type    = "infra"

  pack {
    name   = "edge-native-byoi"
    tag    = "1.0.0"
    values = <<-EOT
      pack:
        content:
          images:
            - image: '{{.spectro.pack.edge-native-byoi.options.system.uri}}'
      providerCredentials:
        registry: https://registry.depot.example.com
        user: depot-edge
        password: '{{.spectro.macro.DEPOT_REGISTRY_PASSWORD}}'
      options:
        system.uri: registry.depot.example.com/edge/ubuntu-k3s:v1.30.4-v4.5.3
    EOT
  }

  pack {
    name   = "edge-k3s"
    tag    = "1.30.4"
    values = file("${path.module}/k3s-values.yaml")
  }
}

resource "spectrocloud_cluster_edge_native" "depot_01" {
  name = "depot-01"

  cluster_profile {
    id = spectrocloud_cluster_profile.depot_infra.id
  }

  cloud_config {
    vip = "10.20.0.10"
  }

  machine_pool {
    name          = "control-plane"
    control_plane = true

    edge_host {
      host_uid = "depot-01-node-1"
    }
  }
}
