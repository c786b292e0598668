/* The fake driver's execution timeline (fake_exec.c), called from fakecuda.c's launches and synchronizations. */
#ifndef FAKE_EXEC_H
#define FAKE_EXEC_H

#include <cuda.h>

/* A kernel launch the driver accepted on `stream`: queued on the timeline unless the stream is capturing. */
__attribute__((visibility("hidden"))) void fc_exec_launched(CUstream stream);
/* cuCtxSynchronize: returns once everything queued has run. */
__attribute__((visibility("hidden"))) void fc_exec_synchronize(void);

/* A kernel launch through any launch path (fakecuda.c): validated, counted, queued. */
__attribute__((visibility("hidden"))) CUresult fc_launch(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                                                          unsigned bx, unsigned by, unsigned bz, CUstream stream);

#endif
