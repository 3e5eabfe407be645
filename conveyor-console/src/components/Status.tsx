/** An execution or action status as a badge, with its word (never colour alone). */
export function Status({ status, testId }: { status?: string; testId?: string }) {
  const s = status ?? 'None';
  return (
    <span className={`status status-${s}`} data-testid={testId} data-status={s}>
      {s}
    </span>
  );
}

export function time(epoch?: number): string {
  if (!epoch) return '';
  return new Date(epoch * (epoch < 1e12 ? 1000 : 1)).toLocaleString();
}

export function duration(from?: number, to?: number): string {
  if (!from) return '';
  const ms = ((to ?? Date.now() / 1000) - from) * 1000;
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}
