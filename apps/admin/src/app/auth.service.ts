import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import type { ErrorBody } from '@snackbase/contract';

/** The signed-in user as the login answer describes them. */
export interface Session {
  readonly token: string;
  readonly email: string;
  readonly role: string;
  readonly account: { readonly id: string; readonly slug: string; readonly name: string };
}

interface LoginAnswer {
  token: string;
  refresh_token: string;
  expires_in: number;
  account: { id: string; slug: string; name: string };
  user: { id: string; email: string; role: string };
}

const KEY = 'snackbase.session';

/** Logs in against `POST /api/v1/auth/login` and keeps the session for this browser tab. */
@Injectable({ providedIn: 'root' })
export class AuthService {
  readonly #http = inject(HttpClient);
  readonly session = signal<Session | null>(this.#restore());

  /** Resolves with the session, or rejects with the server's error message. */
  async login(account: string, email: string, password: string): Promise<Session> {
    try {
      const a = await firstValueFrom(this.#http.post<LoginAnswer>('/api/v1/auth/login', { account, email, password }));
      const session: Session = { token: a.token, email: a.user.email, role: a.user.role, account: a.account };
      sessionStorage.setItem(KEY, JSON.stringify(session));
      this.session.set(session);
      return session;
    } catch (e) {
      const body = (e as HttpErrorResponse).error as Partial<ErrorBody> | null;
      throw new Error(body?.message ?? 'The server could not be reached');
    }
  }

  logout(): void {
    sessionStorage.removeItem(KEY);
    this.session.set(null);
  }

  #restore(): Session | null {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    } catch {
      return null;
    }
  }
}
