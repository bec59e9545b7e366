/** The tagged stdout lines of the worker protocol (zooforge/protocol/worker.py reads them from the generated protocol.json). */
export const PROTOCOL = { progress: '##zf-progress ', warn: '##zf-warn ', event: '##zf-event ' } as const;
