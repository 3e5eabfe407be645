declare module '*.css';
declare module '*?worker' {
  const WorkerConstructor: { new (): Worker };
  export default WorkerConstructor;
}
declare module 'elkjs/lib/elk-api.js';
