/* dsforge/dlpack.h: the DLPack 1.x data-exchange structs the SDK uses.
 *
 * DLPack (https://dmlc.github.io/dlpack) is a binary convention, so any
 * declaration with the same layout interoperates. We declare the subset we
 * need, written from the specification, because Debian ships only DLPack 0.6
 * (no DLManagedTensorVersioned). If a full dlpack.h >= 1.0 is included first,
 * its declarations are used instead: both use the same include guard.
 */
#ifndef DLPACK_DLPACK_H_
#define DLPACK_DLPACK_H_

#include <stdint.h>

#define DLPACK_MAJOR_VERSION 1
#define DLPACK_MINOR_VERSION 1

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  uint32_t major;
  uint32_t minor;
} DLPackVersion;

typedef enum {
  kDLCPU = 1,
  kDLCUDA = 2,
  kDLCUDAHost = 3,
  kDLOpenCL = 4,
  kDLVulkan = 7,
  kDLMetal = 8,
  kDLVPI = 9,
  kDLROCM = 10,
  kDLROCMHost = 11,
  kDLExtDev = 12,
  kDLCUDAManaged = 13,
  kDLOneAPI = 14,
  kDLWebGPU = 15,
  kDLHexagon = 16,
  kDLMAIA = 17
} DLDeviceType;

typedef struct {
  DLDeviceType device_type;
  int32_t device_id;
} DLDevice;

typedef enum {
  kDLInt = 0U,
  kDLUInt = 1U,
  kDLFloat = 2U,
  kDLOpaqueHandle = 3U,
  kDLBfloat = 4U,
  kDLComplex = 5U,
  kDLBool = 6U
} DLDataTypeCode;

typedef struct {
  uint8_t code;  /* a DLDataTypeCode */
  uint8_t bits;  /* 8, 16, 32, 64 */
  uint16_t lanes; /* 1 for plain tensors */
} DLDataType;

typedef struct {
  void *data;            /* start of the allocation; add byte_offset */
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t *shape;        /* (ndim) */
  int64_t *strides;      /* (ndim) in elements; NULL means compact row-major */
  uint64_t byte_offset;
} DLTensor;

/* The consumer owns it and must call deleter exactly once (it may be NULL). */
typedef struct DLManagedTensorVersioned {
  DLPackVersion version;
  void *manager_ctx;
  void (*deleter)(struct DLManagedTensorVersioned *self);
  uint64_t flags; /* DLPACK_FLAG_BITMASK_* */
  DLTensor dl_tensor;
} DLManagedTensorVersioned;

#define DLPACK_FLAG_BITMASK_READ_ONLY (1UL << 0UL)
#define DLPACK_FLAG_BITMASK_IS_COPIED (1UL << 1UL)

#ifdef __cplusplus
}
#endif
#endif /* DLPACK_DLPACK_H_ */

#if DLPACK_MAJOR_VERSION < 1
#error "dsforge needs DLPack >= 1.0 (DLManagedTensorVersioned)"
#endif
