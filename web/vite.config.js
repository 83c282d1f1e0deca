import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// Element Plus components are imported where they are used (with their own CSS), so each
// route's chunk carries only what it shows; the login page stays small for slow links.
export default defineConfig({
  plugins: [
    vue(),
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false }),
  ],
  build: {
    target: 'es2019',
    assetsDir: 'assets',
    manifest: true,
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts'
          return undefined
        },
      },
    },
  },
  server: {
    // `npm run dev` proxies the API (and the public equipment pages with their QR codes) to a
    // jinzhi server started separately.
    proxy: {
      '/api': process.env.JZ_API || 'http://127.0.0.1:8080',
      '/e/': process.env.JZ_API || 'http://127.0.0.1:8080',
    },
  },
})
