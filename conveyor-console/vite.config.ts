import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The bundle is served by the server under /console/ from the classpath (see pom.xml: it lands in target/classes/console).
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'target/classes/console',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 2000,
  },
  server: { proxy: { '^/(?!console)': 'http://127.0.0.1:8420' } },
});
