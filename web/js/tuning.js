// Tuning: every dynamic_reconfigure server in the graph (a node's parameter_descriptions topic,
// found through rosapi), one form each, built from its own description (names, types, ranges,
// descriptions). Values follow the node's parameter_updates, whoever changed them (dynparam,
// rqt, another page); a change here calls the node's set_parameters, and the field shows what
// the node then reports: a value the node (or its board) refused is named and not kept.
const $ = (id) => document.getElementById(id);
const DESCRIPTION_TYPE = "dynamic_reconfigure/ConfigDescription";
const LOOK_MS = 10000; // how often to look for servers (nodes come and go)
const SUFFIX = "/parameter_descriptions";

export function setupTuning(conn) {
  const forms = new Map(); // node name -> {fieldset, fields: Map(name -> {param, input})}
  const list = $("tuning");

  const look = () => {
    if (!conn.connected) return;
    conn.call("/rosapi/topics_for_type", "rosapi/TopicsForType", { type: DESCRIPTION_TYPE }).then(
      (res) => {
        for (const topic of res.topics) {
          const node = topic.slice(0, -SUFFIX.length);
          if (topic.endsWith(SUFFIX) && !forms.has(node)) track(node);
        }
        $("tuning-panel").hidden = forms.size === 0;
      },
      () => {},
    );
  };

  function track(node) {
    const form = { fieldset: document.createElement("fieldset"), fields: new Map() };
    form.fieldset.dataset.node = node;
    form.fieldset.append(Object.assign(document.createElement("legend"), { textContent: node }));
    list.append(form.fieldset);
    forms.set(node, form);
    conn.subscribe(`${node}${SUFFIX}`, DESCRIPTION_TYPE, (d) => build(node, form, d), { stale: false });
    conn.subscribe(`${node}/parameter_updates`, "dynamic_reconfigure/Config", (c) => show(form, c), { stale: false });
  }

  function build(node, form, description) {
    const params = description.groups.flatMap((g) => g.parameters);
    const limit = (config, name) => valueOf(config, name);
    for (const param of params) {
      if (form.fields.has(param.name)) continue;
      const label = document.createElement("label");
      label.title = param.description;
      const input = document.createElement("input");
      input.dataset.param = param.name;
      if (param.type === "bool") input.type = "checkbox";
      else if (param.type === "str") input.type = "text";
      else {
        input.type = "number";
        input.step = param.type === "int" ? "1" : "any";
        const lo = limit(description.min, param.name), hi = limit(description.max, param.name);
        if (lo !== undefined) input.min = lo;
        if (hi !== undefined) input.max = hi;
      }
      const said = document.createElement("output");
      label.append(`${param.name} `, input, said);
      form.fieldset.append(label);
      form.fields.set(param.name, { param, input, said });
      input.addEventListener("change", () => send(node, form, param, input, said));
    }
    if (form.config) show(form, form.config);
  }

  async function send(node, form, param, input, said) {
    const value = param.type === "bool" ? input.checked : param.type === "str" ? input.value : Number(input.value);
    if (typeof value === "number" && !Number.isFinite(value)) {
      said.textContent = "not a number"; said.dataset.state = "refused"; return;
    }
    const config = { bools: [], ints: [], strs: [], doubles: [], groups: [] };
    const kind = { bool: "bools", int: "ints", str: "strs", double: "doubles" }[param.type];
    config[kind].push({ name: param.name, value });
    said.textContent = "…"; said.dataset.state = "sending";
    try {
      const res = await conn.call(`${node}/set_parameters`, "dynamic_reconfigure/Reconfigure", { config });
      const now = valueOf(res.config, param.name);
      const took = param.type === "double" ? Math.abs(now - value) <= 1e-9 * Math.max(1, Math.abs(value)) : now === value;
      said.dataset.state = took ? "set" : "refused";
      said.textContent = took ? "✓" : `refused (still ${now})`;
      show(form, res.config);
    } catch (err) {
      said.dataset.state = "refused";
      said.textContent = `not set: ${err.message}`;
    }
  }

  conn.addEventListener("connected", look);
  setInterval(look, LOOK_MS);
}

function valueOf(config, name) {
  for (const kind of ["doubles", "ints", "bools", "strs"]) {
    const found = (config[kind] ?? []).find((p) => p.name === name);
    if (found) return found.value;
  }
  return undefined;
}

function show(form, config) {
  form.config = config; // also for fields built later (updates can come before the description)
  for (const { param, input } of form.fields.values()) {
    if (document.activeElement === input) continue; // never overwrite what the user is typing
    const value = valueOf(config, param.name);
    if (value === undefined) continue;
    if (param.type === "bool") input.checked = value;
    else input.value = value;
    input.dataset.value = String(value);
  }
}
