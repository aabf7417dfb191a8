import * as yup from 'yup';
import { errors } from '@strapi/utils';
import type { WebhookEvent } from '../lib/webhook/events';
import { MESSAGES } from '../messages';
import { ownFields } from './validation';

// Event names are TikTok's dotted identifiers; anything else is not TikTok's and never reaches
// a log line.
const EVENT_NAME = /^[a-z0-9_.]{1,128}$/i;

const eventSchema = yup
  .object({
    client_key: yup.string().required(),
    event: yup.string().required().matches(EVENT_NAME),
    create_time: yup.number().required().integer(),
    user_openid: yup.string().default(''),
    content: yup.string().default(''),
  })
  // No coercion: a number sent as a string, or an object as `content`, is not TikTok's body.
  .strict(true);

/**
 * A signed webhook body as TikTok's event `{ client_key, event, create_time, user_openid,
 * content }`, or a 400. Parsed only once its signature is checked.
 */
export const readWebhookEvent = (raw: Buffer): WebhookEvent => {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new errors.ValidationError(MESSAGES.webhookBodyInvalid);
  }
  try {
    const valid = eventSchema.validateSync(ownFields(Object.keys(eventSchema.fields), body), {
      abortEarly: true,
    });
    return {
      clientKey: valid.client_key,
      event: valid.event,
      createTime: valid.create_time,
      openId: valid.user_openid ?? '',
      content: valid.content ?? '',
    };
  } catch {
    throw new errors.ValidationError(MESSAGES.webhookBodyInvalid);
  }
};
