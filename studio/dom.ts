/** Small DOM helpers shared by the studio's panels. */

export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`studio page is missing #${id}`);
  return el as T;
}

export function checked(id: string): boolean {
  return $<HTMLInputElement>(id).checked;
}

/** A number field's value, or an Error naming the field and its range. */
export function numberInput(id: string, what: string, min: number, max: number): number {
  const v = Number($<HTMLInputElement>(id).value);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${what} must be a number from ${min} to ${max}`);
  return v;
}

export function setStatus(id: string, text: string, error = false): void {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle('error', error);
}
