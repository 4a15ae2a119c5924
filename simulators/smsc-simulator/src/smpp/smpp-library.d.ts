// Types for the `smpp` package (farhadi/node-smpp), which ships none and has no @types. Only what the
// simulator and its tests use. PDU fields are `unknown`: they come off the wire, so the code that
// reads them checks their type (see smpp/pdu-fields.ts) instead of trusting a cast.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    interface Pdu {
      command: string;
      command_id: number;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      response(options?: Record<string, unknown>): Pdu;
    }

    /** A short_message after the library's decode filter (data_coding 0 → GSM 03.38, 8 → UCS-2 BE). */
    interface DecodedMessage {
      /** Each information element with its IEI and length bytes, the UDHL byte stripped. */
      udh?: Buffer[];
      message: string | Buffer;
    }

    type ResponseCallback = (pdu: Pdu) => void;

    interface Session extends EventEmitter {
      readonly socket: Socket;
      send(pdu: Pdu, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
      pause(): void;
      resume(): void;
      bind_transceiver(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      bind_transmitter(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      bind_receiver(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      submit_sm(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      deliver_sm(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      enquire_link(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
      unbind(options: Record<string, unknown>, responseCallback?: ResponseCallback): boolean;
    }

    interface Server extends NetServer {
      readonly sessions: Session[];
    }

    interface Coder {
      match(value: string): boolean;
      encode(value: string): Buffer;
      decode(value: Buffer): string;
    }
  }

  const smpp: {
    createServer(options: Record<string, unknown>, listener: (session: smpp.Session) => void): smpp.Server;
    connect(options: { host: string; port: number; auto_enquire_link_period?: number }, listener?: () => void): smpp.Session;
    PDU: new (command: string, options?: Record<string, unknown>) => smpp.Pdu;
    encodings: { ASCII: smpp.Coder; UCS2: smpp.Coder };
    ESME_ROK: number;
    ESME_RINVCMDID: number;
    ESME_RINVBNDSTS: number;
    ESME_RALYBND: number;
    ESME_RSYSERR: number;
    ESME_RBINDFAIL: number;
    ESME_RTHROTTLED: number;
  };
  export = smpp;
}
