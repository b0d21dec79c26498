import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBrowserBackend } from './backend.js';
import { Lab2D } from './lab2d.js';
import { ImageLab } from './imagelab.js';
import { RunViewer } from './runviewer.js';
import { $ } from './dom.js';

/** What the tests read: the iteration counters and the backend. */
interface StudioHandle {
  ready: boolean;
  backend: string;
  lab2d: Lab2D;
  imageLab: ImageLab;
  runViewer: RunViewer;
  /** tf.memory().numTensors, for the leak checks. */
  tensors(): number;
  error?: string;
}

declare global {
  interface Window {
    __studio?: StudioHandle;
  }
}

function selectTab(name: string, imageLab: ImageLab): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tab')) b.classList.toggle('active', b.dataset.tab === name);
  for (const p of document.querySelectorAll<HTMLElement>('.panel')) p.classList.toggle('active', p.id === name);
  if (name === 'image') imageLab.start();
  history.replaceState(null, '', `#${name}`);
}

async function main(): Promise<void> {
  const lab2d = new Lab2D();
  const imageLab = new ImageLab();
  const runViewer = new RunViewer();
  const handle: StudioHandle = { ready: false, backend: '', lab2d, imageLab, runViewer, tensors: () => tf.memory().numTensors };
  window.__studio = handle;
  const badge = $('backend');
  try {
    const request = new URLSearchParams(location.search).get('backend');
    const choice = await initBrowserBackend(request);
    handle.backend = choice.name;
    imageLab.backend = choice.name;
    badge.textContent = `backend: ${describeBackend(choice)}`;
    const why = choice.requested ? 'requested with ?backend=' : 'the fastest TF.js backend this browser has (webgpu > webgl > wasm > cpu)';
    badge.title = choice.skipped.length ? `${why}; passed over: ${choice.skipped.join('; ')}` : why;
  } catch (e) {
    handle.error = (e as Error).message;
    badge.textContent = `no backend: ${handle.error}`;
    return;
  }
  for (const b of document.querySelectorAll<HTMLButtonElement>('.tab')) b.addEventListener('click', () => selectTab(b.dataset.tab!, imageLab));
  lab2d.start();
  const hasRun = await runViewer.load();
  const initial = location.hash.slice(1);
  if (initial === 'image' || (initial === 'run' && hasRun)) selectTab(initial, imageLab);
  handle.ready = true;
}

void main();
