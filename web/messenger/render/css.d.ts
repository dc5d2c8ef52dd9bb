// Lets TypeScript accept `import './render.css'` (Vite bundles it; Vitest ignores it).
declare module '*.css';
