// Canvases are drawn only while their panel is on screen (a phone shows one panel at a time):
// onScreen(panel) says whether it is, and whenShown(panel, draw) redraws when it scrolls in.
const state = new Map(); // panel id -> on screen
const shown = new Map(); // panel id -> [draw]
const observer = new IntersectionObserver((entries) => {
  for (const e of entries) {
    state.set(e.target.id, e.isIntersecting);
    if (e.isIntersecting) for (const draw of shown.get(e.target.id) ?? []) draw();
  }
});

function watch(id) {
  if (!state.has(id)) { state.set(id, true); observer.observe(document.getElementById(id)); }
}

export function onScreen(id) {
  watch(id);
  return state.get(id) && !document.hidden;
}

export function whenShown(id, draw) {
  watch(id);
  shown.set(id, [...(shown.get(id) ?? []), draw]);
}
