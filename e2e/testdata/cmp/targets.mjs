// ../shared/bench/cmp's targets plus doui-en: its doui page with the loader
// doui's README gives English pages (doui.en.js) instead of doui.js, which
// carries the policy's default language (Japanese for the demo policy) and
// so fetches the English file as well. From the doui project root, with the
// harness at ../shared/bench/cmp (else set CMP_DIR):
//   DOUI_POLICY=web/policies/demo.json node ../shared/bench/cmp/run.mjs \
//     --targets e2e/testdata/cmp/targets.mjs --pages e2e/testdata/cmp \
//     --only bare,vanilla-cookieconsent,osano-cookieconsent,doui,doui-en
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const cmp = path.resolve(process.env.CMP_DIR || '../shared/bench/cmp');
const { default: douiTargets, doui } = await import(pathToFileURL(path.join(cmp, 'targets.doui.mjs')));

export default [
  ...douiTargets,
  { ...doui, name: 'doui-en', path: '/extra/doui-en.html', server: 'doui' },
];
