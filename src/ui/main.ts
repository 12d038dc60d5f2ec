// Browser entry: mounts the Svelte app. All ELF work happens in workers, never here.
import { mount } from 'svelte';
import App from './App.svelte';
import { registerOffline } from './share/offline.ts';

mount(App, { target: document.getElementById('app')! });
registerOffline();
