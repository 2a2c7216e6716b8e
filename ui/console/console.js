// The status page: health and each camera's latest stats, refreshed every 2 s.
const $ = (id) => document.getElementById(id);

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

async function refresh() {
  try {
    const [health, cameras] = await Promise.all([
      fetch("/api/health").then((r) => r.json()),
      fetch("/api/cameras").then((r) => r.json()),
    ]);
    $("status").textContent = `${health.status} · up ${health.uptime_s} s · v${health.version}`;
    $("status").className = health.status;
    $("problems").replaceChildren(...health.problems.map((p) => {
      const li = document.createElement("li");
      li.textContent = p;
      return li;
    }));
    $("cameras").tBodies[0].replaceChildren(...cameras.map((c) => {
      const tr = document.createElement("tr");
      const cam = c.stats.camera ?? {};
      const enc = c.stats.encoder ?? {};
      tr.append(
        cell(c.id),
        cell(cam.source ?? c.source),
        cell(cam.fps ?? "–"),
        cell(enc.element ?? "–"),
        cell(enc.bitrateKbps ?? "–"),
      );
      return tr;
    }));
  } catch (e) {
    $("status").textContent = `unreachable: ${e.message}`;
    $("status").className = "degraded";
  }
}

refresh();
setInterval(refresh, 2000);
