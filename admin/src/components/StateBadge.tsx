import type { ReactNode } from 'react';
import { Badge } from '@strapi/design-system';

// Explicit colours instead of `variant`: the design-system of Strapi 5.18–5.31 (2.0.0-rc.x) has
// no `variant` on Badge and would draw every state grey; both versions accept these two props.
const TONES = {
  success: { backgroundColor: 'success200', textColor: 'success700' },
  danger: { backgroundColor: 'danger200', textColor: 'danger700' },
  neutral: { backgroundColor: 'neutral150', textColor: 'neutral600' },
} as const;

export type Tone = keyof typeof TONES;

interface Props {
  tone: Tone;
  children: ReactNode;
  'data-state'?: string;
}

export const StateBadge = ({ tone, children, ...rest }: Props) => (
  <Badge {...TONES[tone]} {...rest}>
    {children}
  </Badge>
);
