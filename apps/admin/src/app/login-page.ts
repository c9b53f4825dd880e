import { Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';
import { AuthService } from './auth.service';

/** The sign-in form: account (code or slug), email, password. */
@Component({
  selector: 'app-login-page',
  imports: [FormsModule],
  template: `
    <main>
      <h1>Sign in to SnackBase</h1>
      @if (error()) {
        <p class="error" role="alert" data-testid="login-error">{{ error() }}</p>
      }
      <form (ngSubmit)="submit()">
        <label>Account <input name="account" [(ngModel)]="account" autocomplete="organization" placeholder="system" required /></label>
        <label>Email <input name="email" type="email" [(ngModel)]="email" autocomplete="username" required /></label>
        <label>Password <input name="password" type="password" [(ngModel)]="password" autocomplete="current-password" required /></label>
        <button type="submit" [disabled]="busy()">{{ busy() ? 'Signing in…' : 'Sign in' }}</button>
      </form>
      <p class="muted">Superadmins sign in to the account <code>system</code>.</p>
    </main>
  `,
})
export class LoginPage {
  readonly #auth = inject(AuthService);
  readonly #router = inject(Router);
  protected account = 'system';
  protected email = '';
  protected password = '';
  protected readonly error = signal('');
  protected readonly busy = signal(false);

  protected async submit(): Promise<void> {
    this.busy.set(true);
    this.error.set('');
    try {
      await this.#auth.login(this.account.trim(), this.email.trim(), this.password);
      await this.#router.navigateByUrl('/');
    } catch (e) {
      this.error.set((e as Error).message);
    } finally {
      this.busy.set(false);
    }
  }
}
