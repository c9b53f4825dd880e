import type { TemplateType } from './template-variables';

/** Subject and bodies of one template. */
export interface TemplateText {
  readonly subject: string;
  readonly html_body: string;
  readonly text_body: string;
}

function html(title: string, paragraphs: string[], link: string, action: string, footer: string): string {
  return [
    '<!DOCTYPE html>',
    '<html><body style="font-family: Arial, sans-serif; color: #222; max-width: 560px; margin: 0 auto; padding: 24px;">',
    `<h1 style="font-size: 20px;">${title}</h1>`,
    ...paragraphs.map((p) => `<p>${p}</p>`),
    `<p><a href="${link}" style="display: inline-block; padding: 10px 18px; background: #2563eb; color: #fff; text-decoration: none; border-radius: 4px;">${action}</a></p>`,
    `<p style="font-size: 13px; color: #555;">If the button does not work, copy this link into your browser:<br>${link}</p>`,
    `<p style="font-size: 13px; color: #555;">${footer}</p>`,
    '</body></html>',
  ].join('\n');
}

/** The text the three system templates are seeded with (locale `en`, spec §10.5). */
export const BUILTIN_TEMPLATES: Readonly<Record<TemplateType, TemplateText>> = {
  email_verification: {
    subject: 'Verify your email address for {{ app_name }}',
    html_body: html(
      'Verify your email address',
      ['Hello,', 'Please confirm that {{ email }} is your email address for {{ app_name }}.'],
      '{{ verification_url }}',
      'Verify email address',
      'This link expires in {{ expires_in }}. If you did not create an account, ignore this email.',
    ),
    text_body:
      'Hello,\n\nPlease confirm that {{ email }} is your email address for {{ app_name }} by opening this link:\n\n{{ verification_url }}\n\nThis link expires in {{ expires_in }}. If you did not create an account, ignore this email.\n',
  },
  password_reset: {
    subject: 'Reset your {{ app_name }} password',
    html_body: html(
      'Reset your password',
      ['Hello {{ user_name }},', 'Someone (IP address {{ ip_address }}) asked to reset the password of {{ user_email }} on {{ app_name }}.'],
      '{{ reset_url }}',
      'Choose a new password',
      'This link expires in {{ expires_in }}. If you did not ask for it, ignore this email: your password stays as it is.',
    ),
    text_body:
      'Hello {{ user_name }},\n\nSomeone (IP address {{ ip_address }}) asked to reset the password of {{ user_email }} on {{ app_name }}. Choose a new password here:\n\n{{ reset_url }}\n\nThis link expires in {{ expires_in }}. If you did not ask for it, ignore this email: your password stays as it is.\n',
  },
  invitation: {
    subject: "You've been invited to join {{ account_name }} on {{ app_name }}",
    html_body: html(
      "You've been invited",
      ['Hello,', '{{ invited_by }} invited {{ email }} to join {{ account_name }} on {{ app_name }}.'],
      '{{ invitation_url }}',
      'Accept the invitation',
      'This invitation expires in {{ expires_in }}. If you were not expecting it, ignore this email.',
    ),
    text_body:
      'Hello,\n\n{{ invited_by }} invited {{ email }} to join {{ account_name }} on {{ app_name }}. Accept the invitation here:\n\n{{ invitation_url }}\n\nThis invitation expires in {{ expires_in }}. If you were not expecting it, ignore this email.\n',
  },
};
