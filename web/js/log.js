// The robot's log (/rosout), newest first, filtered by level.
const NAMES = { 1: "DEBUG", 2: "INFO", 4: "WARN", 8: "ERROR", 16: "FATAL" };
const KEEP = 200;

export function setupLog(conn) {
  const list = document.getElementById("log");
  const level = document.getElementById("log-level");
  const filter = () => {
    for (const li of list.children) li.hidden = Number(li.dataset.level) < Number(level.value);
  };
  level.addEventListener("change", filter);
  conn.subscribe("/rosout_agg", "rosgraph_msgs/Log", (m) => {
    const li = document.createElement("li");
    li.className = `l${m.level}`;
    li.dataset.level = String(m.level);
    const t = new Date(m.header.stamp.secs * 1000).toLocaleTimeString();
    li.textContent = `${t} ${NAMES[m.level] ?? m.level} [${m.name}] ${m.msg}`;
    li.hidden = m.level < Number(level.value);
    list.prepend(li);
    while (list.children.length > KEEP) list.lastChild.remove();
  }, { stale: false });
}
