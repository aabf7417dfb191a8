import type { Core } from '@strapi/strapi';
import { PLUGIN_ID } from '../constants';
import type services from '.';

type Services = typeof services;
export type ServiceName = keyof Services;
export type Service<Name extends ServiceName> = ReturnType<Services[Name]>;

/** `strapi.plugin(...).service(...)` with the real type of each of this plugin's services. */
export const getService = <Name extends ServiceName>(
  strapi: Core.Strapi,
  name: Name
): Service<Name> => strapi.plugin(PLUGIN_ID).service<Service<Name>>(name);
