import { Component, inject } from '@angular/core';
import { Router } from '@angular/router';
import { AuthService } from './auth.service';

/** Where a signed-in user lands; the full console is its own issue. */
@Component({
  selector: 'app-home-page',
  template: `
    <main>
      <h1>SnackBase Admin</h1>
      <p data-testid="signed-in">Signed in as {{ session()?.email }} ({{ session()?.role }}) in {{ session()?.account?.name }}</p>
      <button type="button" (click)="logout()">Sign out</button>
    </main>
  `,
})
export class HomePage {
  readonly #auth = inject(AuthService);
  readonly #router = inject(Router);
  protected readonly session = this.#auth.session;

  protected logout(): void {
    this.#auth.logout();
    void this.#router.navigateByUrl('/login');
  }
}
