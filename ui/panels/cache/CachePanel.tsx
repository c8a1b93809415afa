/**
 * The Cache tab: the request's Redis round trips (a pipeline or MULTI is one, with its commands
 * listed), with key, hit or miss, duration and the line that sent each; the N+1s and duplicates
 * first, each N+1 with its fix in the client's own words. Text only, as React renders it.
 */
import { formatMs, pluralize } from '../../app/format.js';
import type { PanelViewProps } from '../../app/panel.js';
import type { CacheCommand, CacheFinding } from '../../../server/panels/cache/types.js';
import { formatCallSite } from '../sql/callsite.js';
import { cacheOf } from './detail.js';

export const NO_CACHE = 'No Redis command was sent while serving this request (pass { redis } or { ioredis } in `instrument` to record them).';

export function CachePanel({ detail }: PanelViewProps) {
  const cache = cacheOf(detail.panels);
  if (!cache || (cache.commands.length === 0 && cache.dropped === 0)) return <p className="state">{NO_CACHE}</p>;
  const totalMs = cache.commands.reduce((sum, c) => sum + (c.durationMs ?? 0), 0);
  const flagged = new Set(cache.findings.flatMap((f) => f.commandIndexes));
  return (
    <div className="cache-panel">
      <div className="toolbar">
        <strong>{pluralize(cache.commands.length, 'round trip')}</strong>
        <span className="muted"> · {formatMs(totalMs)}</span>
        {cache.dropped > 0 ? <span className="warn"> · {cache.dropped} more not kept (limit per request)</span> : null}
      </div>
      {cache.findings.length > 0 ? (
        <ul className="cache-findings" aria-label="Cache findings">
          {cache.findings.map((finding, i) => <Finding key={i} finding={finding} />)}
        </ul>
      ) : null}
      <table className="cache" aria-label="Cache commands">
        <thead>
          <tr>
            <th scope="col" className="num">#</th>
            <th scope="col">Command</th>
            <th scope="col">Key</th>
            <th scope="col">Result</th>
            <th scope="col" className="num">Time</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>{cache.commands.map((command, i) => <Row key={i} index={i} command={command} flagged={flagged.has(i)} />)}</tbody>
      </table>
    </div>
  );
}

function Finding({ finding }: { finding: CacheFinding }) {
  if (finding.kind === 'duplicate') return <li className="cache-duplicate">{finding.message}</li>;
  return (
    <li className="cache-n-plus-one">
      <strong>N+1: </strong>{finding.message}
      {finding.fix ? (
        <>
          <div>{finding.fix.text}</div>
          <pre><code>{finding.fix.code}</code></pre>
        </>
      ) : null}
    </li>
  );
}

function result(command: CacheCommand): string {
  if (command.error) return `error: ${command.error}`;
  if (command.hit === undefined) return '';
  if (command.misses) return `${command.misses} missing`;
  return command.hit ? 'hit' : 'miss';
}

function Row({ index, command, flagged }: { index: number; command: CacheCommand; flagged: boolean }) {
  const classes = [command.error ? 'cache-error' : '', flagged ? 'in-finding' : ''].filter(Boolean).join(' ');
  return (
    <tr className={classes || undefined}>
      <td className="num">{index + 1}</td>
      <td>
        <code>{command.command}</code>
        {command.afterResponse ? <span className="cache-late" title="Sent after the response was sent, in this request's async context">after the response</span> : null}
        {command.pipeline ? (
          <ul className="cache-batch">
            {command.pipeline.commands.map((sub, i) => (
              <li key={i}>
                <code>{sub.command}</code> {sub.key ?? ''}
                {sub.hit === false ? <span className="cache-miss"> (miss)</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td title={command.args.length > 0 ? command.args.join(' ') : undefined}>{command.key ?? ''}</td>
      <td className={command.hit === false ? 'cache-miss' : undefined}>{result(command)}</td>
      <td className="num">{formatMs(command.durationMs)}</td>
      <td title={command.callSite ? formatCallSite(command.callSite, false) : 'no line of the app was on the stack'}>
        {formatCallSite(command.callSite)}
      </td>
    </tr>
  );
}
