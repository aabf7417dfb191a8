import type { Core } from '@strapi/strapi';
import { getService } from './utils/get-service';

const destroy = ({ strapi }: { strapi: Core.Strapi }) => {
  getService(strapi, 'tiktok').close();
};

export default destroy;
