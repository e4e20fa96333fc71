import { k8s } from 'cdk8s-plus-28';

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

/** Size limit of the manager's `/tmp` (it writes little there). */
export const SMALL_TMP_SIZE_LIMIT = '64Mi';

/**
 * The writable `/tmp` a read-only root filesystem needs: a disk-backed emptyDir, with `sizeLimit`
 * or none (providers stage whole disks and images in `/tmp`: a limit would evict them).
 */
export function tmpVolume(sizeLimit: string | null = SMALL_TMP_SIZE_LIMIT): k8s.Volume {
  return { name: TMP_VOLUME_NAME, emptyDir: sizeLimit === null ? {} : { sizeLimit: k8s.Quantity.fromString(sizeLimit) } };
}

export function tmpVolumeMount(): k8s.VolumeMount {
  return { name: TMP_VOLUME_NAME, mountPath: '/tmp' };
}
