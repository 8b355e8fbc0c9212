export { createApp, type AppDeps } from './create-app.js';
export { openApiDocument } from './openapi-document.js';
