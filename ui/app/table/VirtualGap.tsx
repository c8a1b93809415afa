/** A spacer row standing for the rows a virtualised table does not render. */
export function VirtualGap({ height, colSpan }: { height: number; colSpan: number }) {
  return (
    <tr className="virtual-gap" aria-hidden="true">
      <td colSpan={colSpan} style={{ height, padding: 0, border: 0 }} />
    </tr>
  );
}
