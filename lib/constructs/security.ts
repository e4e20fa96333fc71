import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/**
 * Pod Security Standard "restricted", applied to every pod of the release.
 * VirtRigaud images are distroless and run as uid/gid 65532.
 */
export const NONROOT_UID = 65532;

export const TMP_VOLUME_NAME = 'tmp';

export function restrictedPodSecurityContext(): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: NONROOT_UID,
    runAsGroup: NONROOT_UID,
    fsGroup: NONROOT_UID,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: NONROOT_UID,
    runAsGroup: NONROOT_UID,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The writable `/tmp` a read-only root filesystem needs. */
export function tmpVolume(): k8s.Volume {
  return { name: TMP_VOLUME_NAME, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } };
}

export function tmpVolumeMount(): k8s.VolumeMount {
  return { name: TMP_VOLUME_NAME, mountPath: '/tmp' };
}
