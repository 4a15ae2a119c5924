// Types for the `smpp` package (farhadi/node-smpp), which ships none and has no @types. Only what the
// simulator, the notification service's SMPP client and their tests use. The root tsconfig applies
// this ambient module to every workspace. PDU fields are `unknown`: they come off the wire, so the
// code that reads them checks their type instead of trusting a cast.
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

    /** A field codec of the library (`smpp.types.tlv.*`), used to declare vendor TLVs. */
    interface FieldType {
      read(buffer: Buffer, offset: number, length?: number): unknown;
      write(value: unknown, buffer: Buffer, offset: number): void;
      size(value: unknown): number;
    }

    interface ConnectOptions {
      host: string;
      port: number;
      /** The library sends enquire_link on this period itself, without any response timeout. */
      auto_enquire_link_period?: number;
    }
  }

  const smpp: {
    createServer(options: Record<string, unknown>, listener: (session: smpp.Session) => void): smpp.Server;
    connect(options: smpp.ConnectOptions, listener?: () => void): smpp.Session;
    /** Registers a TLV by name for every PDU the process encodes or decodes (the table is global). */
    addTLV(tag: string, options: { id: number; type: smpp.FieldType; multiple?: boolean }): void;
    types: { tlv: { int8: smpp.FieldType; int16: smpp.FieldType; int32: smpp.FieldType; cstring: smpp.FieldType; string: smpp.FieldType; buffer: smpp.FieldType } };
    PDU: new (command: string, options?: Record<string, unknown>) => smpp.Pdu;
    encodings: { ASCII: smpp.Coder; UCS2: smpp.Coder; LATIN1: smpp.Coder };
    ESME_ROK: number;
    ESME_RINVMSGLEN: number;
    ESME_RINVCMDID: number;
    ESME_RINVBNDSTS: number;
    ESME_RALYBND: number;
    ESME_RINVPRTFLG: number;
    ESME_RINVREGDLVFLG: number;
    ESME_RSYSERR: number;
    ESME_RINVSRCADR: number;
    ESME_RINVDSTADR: number;
    ESME_RBINDFAIL: number;
    ESME_RMSGQFUL: number;
    ESME_RINVSERTYP: number;
    ESME_RINVESMCLASS: number;
    ESME_RSUBMITFAIL: number;
    ESME_RINVSRCTON: number;
    ESME_RINVSRCNPI: number;
    ESME_RINVDSTTON: number;
    ESME_RINVDSTNPI: number;
    ESME_RINVSYSTYP: number;
    ESME_RTHROTTLED: number;
    ESME_RINVSCHED: number;
    ESME_RINVEXPIRY: number;
    ESME_RX_T_APPN: number;
    ESME_RX_P_APPN: number;
    ESME_RX_R_APPN: number;
    ESME_RINVTLVSTREAM: number;
    ESME_RTLVNOTALLWD: number;
    ESME_RINVTLVLEN: number;
    ESME_RMISSINGTLV: number;
    ESME_RINVTLVVAL: number;
    ESME_RINVDCS: number;
  };
  export = smpp;
}
