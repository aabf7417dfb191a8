import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

const destroy = async ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'tiktok').close();
  await getService(strapi, 'rateLimit').stop();
};

export default destroy;
