// The label rules live in lib/conventions/labels.ts; re-exported here for the constructs' users.
export * from '../conventions/labels';
