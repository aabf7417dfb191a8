import type { Core } from '@strapi/strapi';
import { rateLimits } from './rate-limit/budget';
import { getService } from './services/get-service';

const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'tiktok').close();
  await rateLimits(strapi).stop();
};

export default destroy;
