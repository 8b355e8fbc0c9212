export { createOpenAiAdvisor, parseAdvice } from './openai-advisor.js';
