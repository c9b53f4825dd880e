import { inject } from '@angular/core';
import { Router, type Routes } from '@angular/router';
import { AuthService } from './auth.service';

const signedIn = () => inject(AuthService).session() !== null || inject(Router).parseUrl('/login');

export const routes: Routes = [
  { path: 'login', loadComponent: () => import('./login-page').then((m) => m.LoginPage) },
  { path: '', canActivate: [signedIn], loadComponent: () => import('./home-page').then((m) => m.HomePage) },
  { path: '**', redirectTo: '' },
];
