import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CORDON_METRICS } from '../../metrics/catalogue';

const dashboard = z
  .object({
    title: z.string(),
    panels: z.array(z.object({ title: z.string(), targets: z.array(z.object({ expr: z.string() })) })),
  })
  .parse(JSON.parse(readFileSync('deploy/grafana/cordon-dashboard.json', 'utf8')));

const queried = new Set(
  dashboard.panels.flatMap((panel) =>
    panel.targets.flatMap((target) =>
      [...target.expr.matchAll(/\b(cordon_[a-z_]+?)(?:_total|_bucket|_sum|_count)?\b/g)].map((match) => match[1]),
    ),
  ),
);

describe('the Grafana dashboard (deploy/grafana/cordon-dashboard.json)', () => {
  it("queries every metric of cordon's catalogue, and none that is not in it", () => {
    const catalogue = Object.values(CORDON_METRICS).map((metric) => metric.name);
    expect([...queried].sort()).toEqual([...catalogue].sort());
  });
});
