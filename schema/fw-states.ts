// The firmware state names, apart from the zod meta-schema in fw-model.ts
// (which re-exports them) so that code reading the validated tables does not
// load zod for four lists of names.

/** State names as the SEV API / SNP ABI state tables spell them (groups sev_platform_state, snp_platform_state, ...). */
export const SEV_PLATFORM_STATES = ['UNINIT', 'INIT', 'WORKING'] as const;
export const SNP_PLATFORM_STATES = ['UNINIT', 'INIT'] as const;
export const SEV_GUEST_STATES = ['UNINIT', 'LUPDATE', 'LSECRET', 'RUNNING', 'SUPDATE', 'RUPDATE', 'SENT'] as const;
export const SNP_GUEST_STATES = ['INIT', 'LAUNCH', 'RUNNING'] as const;
