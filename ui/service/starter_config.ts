/** The config a service install writes when /etc/eyrie/eyrie.toml does not exist yet. */
export const STARTER_CONFIG =
  `# eyrie's config (docs/operations.md). After editing: sudo systemctl reload eyrie
data_dir = "/var/lib/eyrie"

[console]
listen = "127.0.0.1:8080"

[[camera]]
id = "cam"
source = "auto"          # the Pi camera, else the first V4L2 camera, else a test pattern
quality = "medium"

# [recording]
# dir = "/var/lib/eyrie/recordings"
# max_bytes = "20GB"
`;
