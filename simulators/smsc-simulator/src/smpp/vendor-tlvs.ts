// The vendor TLVs of the telecom SMSC's interface specification, mirrored here so the simulator
// answers as that SMSC does. The library keeps one global TLV table per process; registering the same
// name and id again (the notification service's client does too) changes nothing.
import smpp from 'smpp';

/**
 * The ESME's own reference of a part (0x1400, C-octet string). The SMSC remembers it per system_id
 * and answers a repeat with the first message id, so an ESME that lost a submit_sm_resp to a dropped
 * connection can resubmit without the subscriber getting the SMS twice.
 */
export const gatewayMessageRef = { tag: 'gateway_message_ref', id: 0x1400 } as const;

smpp.addTLV(gatewayMessageRef.tag, { id: gatewayMessageRef.id, type: smpp.types.tlv.cstring });
