/** The console's stylesheet: one small file, dark and light, a column on a phone. */
export const STYLE_CSS = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #1c1f24; --dim: #667;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --line: #d8dce2; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111418; --card: #1a1e24; --fg: #e6e8eb; --dim: #9aa3ad; --line: #2b313a; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.4 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
header { background: var(--card); position: sticky; top: 0; z-index: 2; }
main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); }
.grid.layout-1 { grid-template-columns: minmax(0, 1fr); }
.grid.layout-2 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
.grid.layout-3 { grid-template-columns: repeat(3, minmax(0, 1fr)); }
.grid.layout-3 .stats { display: none; }
@media (max-width: 600px) { .grid.layout-3 { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.layout-picker { display: flex; gap: .25rem; align-items: center; margin: 0 0 .75rem; color: var(--dim); }
button, select, .button { font: inherit; font-size: .85rem; padding: .2rem .6rem; border-radius: .3rem;
  border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; text-decoration: none; }
.layout-picker button[aria-checked="true"] { background: var(--fg); color: var(--bg); }
.tile-controls { display: flex; flex-wrap: wrap; gap: .4rem .6rem; align-items: center; padding: .4rem .75rem 0; }
.tile-controls label { color: var(--dim); font-size: .85rem; }
.tile-controls meter.level { width: 5rem; }
.tile-controls button.talk { min-width: 7.5rem; touch-action: none; }
.tile-controls button.talk[aria-pressed="true"] { background: #b3261e; color: #fff; }
.tile-controls .talk-holder { color: var(--dim); font-size: .85rem; }
.tile-msg { color: var(--dim); font-size: .8rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; overflow: hidden; }
.card h2 { font-size: 1rem; margin: 0; padding: .5rem .75rem; display: flex; gap: .5rem; align-items: baseline; }
.card h2 small { color: var(--dim); font-weight: normal; }
video, img.mjpeg { display: block; width: 100%; aspect-ratio: auto 16 / 9; background: #000; }
img.mjpeg { object-fit: contain; }
video[hidden], img[hidden] { display: none; }
.card h2 small.mode { margin-left: auto; border: 1px solid var(--line); border-radius: .25rem; padding: 0 .35rem; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr)); gap: .25rem .75rem;
  padding: .5rem .75rem; font-variant-numeric: tabular-nums; }
.stats div span { display: block; color: var(--dim); font-size: .8rem; }
.status { padding: 0 .75rem .5rem; color: var(--dim); font-size: .85rem; min-height: 1.2rem; }
.tree { list-style: none; padding-left: 1rem; margin: .25rem 0; }
.tree li { padding: .1rem 0; }
.state { font-size: .8rem; padding: 0 .35rem; border-radius: .25rem; border: 1px solid currentColor; }
.state.running { color: var(--ok); } .state.restarting, .state.starting { color: var(--warn); }
.state.failed, .state.stopped { color: var(--bad); }
.big { font-size: 2rem; font-variant-numeric: tabular-nums; }
a { color: inherit; }
`;
