import type { TemplateText } from './builtin-templates';
import { renderTemplateText, type TemplateVariables } from './render-template';

/** A rendered template, as `POST /admin/email/templates/render` answers (spec §10.5). */
export interface RenderedMail {
  readonly subject: string;
  readonly html_body: string;
  readonly text_body: string;
}

/**
 * Renders subject, HTML and text with the same variables: values are HTML-escaped in the HTML
 * body only, and the subject is kept to one line (no header injection through a value).
 */
export function renderMail(template: TemplateText, variables: TemplateVariables): RenderedMail {
  return {
    subject: renderTemplateText(template.subject, variables, { html: false }).replace(/[\r\n]+/g, ' ').trim(),
    html_body: renderTemplateText(template.html_body, variables, { html: true }),
    text_body: renderTemplateText(template.text_body, variables, { html: false }),
  };
}
