import type { OutputFit, ValueTransform } from './value-transform.js';
import { fitting } from './column-shape.js';

export function compileKeep(): ValueTransform {
  return (value) => value;
}

export function fitKeep(): OutputFit {
  return fitting(false);
}
