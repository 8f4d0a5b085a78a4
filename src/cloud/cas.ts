/**
 * Certificate Management Service (cas 2020-04-07, RPC): the uploaded ("user") certificates a custom
 * domain of an instance serves (issue 14 item 6). Our own typed requests and responses, field names
 * exactly as the official SDK models (aliyun/alibabacloud-typescript-sdk `cas-20200407/src/models`:
 * UploadUserCertificateRequest, GetUserCertificateDetailRequest/ResponseBody,
 * ListUserCertificateOrderRequest/ResponseBody, DeleteUserCertificateRequest); every response field
 * is optional. A generated SDK can replace this file alone.
 *
 * Oddities: ids are numbers (long) on the wire (CertId, CertificateId); pages are CurrentPage and
 * ShowSize (default 50) with TotalCount; `Fingerprint` is the SHA-1 of the certificate, `Sha2` its
 * SHA-256, both upper-case hex (SDK examples); ListUserCertificateOrder with OrderType UPLOAD lists
 * only uploaded certificates, and by default only valid ones (issued or about to expire: expired
 * uploads are listed only with Status EXPIRED). UploadUserCertificate has no ClientToken: a repeat
 * after a lost answer is not safe (ONCE_WRITE), the kind finds an upload by its SHA-256 first.
 *
 * The request of UploadUserCertificate carries the private key: the caller adds the PEM to the
 * session's secrets (redacted from errors) before calling; nothing here logs parameters.
 *
 * Endpoints (SDK endpointMap): `cas.aliyuncs.com` for the Chinese mainland regions and most others;
 * `cas.<region>.aliyuncs.com` for CAS_REGIONAL_ENDPOINTS (src/cloud/endpoints.ts realHost).
 */
import { collectAll, pagesByNumber, type Collected } from './paginate.js';
import { IDEMPOTENT_WRITE, ONCE_WRITE, READ, type RpcCallFn } from './pipeline.js';

export { CAS_CENTRAL_REGION, CAS_REGIONAL_ENDPOINTS, casRegionFor } from './endpoints.js';

export const CAS_VERSION = '2020-04-07';
/** ListUserCertificateOrder ShowSize: the documented default is 50. */
export const CAS_PAGE_SIZE = 50;
/** UploadUserCertificate: uploads a certificate and its private key (SM certificates: SignCert/EncryptCert, not used). */
export interface UploadUserCertificateRequest {
  /** The certificate name, unique within the account; up to 63 characters (vendor doc; the SDK says 64). */
  readonly Name: string;
  /** The certificate (chain) in PEM. */
  readonly Cert?: string;
  /** The private key in PEM. A secret. */
  readonly Key?: string;
  readonly EncryptCert?: string;
  readonly EncryptPrivateKey?: string;
  readonly SignCert?: string;
  readonly SignPrivateKey?: string;
  readonly ResourceGroupId?: string;
  readonly Tags?: readonly { readonly Key?: string; readonly Value?: string }[];
}
export interface UploadUserCertificateResponse {
  /** The id of the new certificate; e.g. 12345 */
  readonly CertId?: number;
  readonly RequestId?: string;
}

/** GetUserCertificateDetail: one certificate. `CertFilter: true` leaves Cert and Key out of the answer. */
export interface GetUserCertificateDetailRequest {
  readonly CertId: number;
  readonly CertFilter?: boolean;
}
export interface GetUserCertificateDetailResponse {
  readonly Algorithm?: string;
  readonly BuyInAliyun?: boolean;
  readonly Cert?: string;
  readonly CertChain?: readonly {
    readonly CommonName?: string;
    readonly IssuerCommonName?: string;
    readonly NotAfter?: number;
    readonly NotBefore?: number;
    readonly RemainDay?: number;
  }[];
  /** `<id>-cn-hangzhou`; e.g. 10741304-cn-hangzhou */
  readonly CertIdentifier?: string;
  readonly City?: string;
  /** The primary domain; e.g. *.com */
  readonly Common?: string;
  readonly Country?: string;
  readonly EncryptCert?: string;
  readonly EncryptPrivateKey?: string;
  /** e.g. 2023-10-25 */
  readonly EndDate?: string;
  readonly Expired?: boolean;
  /** SHA-1, upper-case hex. */
  readonly Fingerprint?: string;
  readonly Id?: number;
  /** e.g. cas-upload-50yf1q */
  readonly InstanceId?: string;
  readonly Issuer?: string;
  readonly Key?: string;
  readonly Name?: string;
  /** Epoch milliseconds. */
  readonly NotAfter?: number;
  readonly NotBefore?: number;
  readonly OrderId?: number;
  readonly OrgName?: string;
  readonly Province?: string;
  readonly RequestId?: string;
  readonly ResourceGroupId?: string;
  /** Every domain of the certificate, comma-separated. */
  readonly Sans?: string;
  readonly SerialNo?: string;
  /** SHA-256, upper-case hex. */
  readonly Sha2?: string;
  readonly SignCert?: string;
  readonly SignPrivateKey?: string;
  /** e.g. 2018-07-13 */
  readonly StartDate?: string;
}

/** ListUserCertificateOrder: certificates and orders; OrderType UPLOAD lists uploaded certificates. */
export interface ListUserCertificateOrderRequest {
  readonly CurrentPage?: number;
  /** Bound domain or resource id, fuzzy. */
  readonly Keyword?: string;
  /** CPACK (default) | BUY | UPLOAD | CERT */
  readonly OrderType?: string;
  readonly ResourceGroupId?: string;
  readonly ShowSize?: number;
  /** ISSUED | WILLEXPIRED | EXPIRED | …; empty with UPLOAD/CERT: the valid ones. */
  readonly Status?: string;
}
export interface CasCertificateOrder {
  readonly Algorithm?: string;
  readonly AliyunOrderId?: number;
  readonly BuyDate?: number;
  readonly CertEndTime?: number;
  readonly CertStartTime?: number;
  readonly CertType?: string;
  /** Returned with OrderType CERT or UPLOAD. */
  readonly CertificateId?: number;
  readonly City?: string;
  readonly CommonName?: string;
  readonly Country?: string;
  readonly Domain?: string;
  readonly DomainCount?: number;
  readonly DomainType?: string;
  readonly EndDate?: string;
  readonly Expired?: boolean;
  readonly Fingerprint?: string;
  readonly InstanceId?: string;
  readonly Issuer?: string;
  readonly Name?: string;
  readonly OrderId?: number;
  readonly OrgName?: string;
  readonly PartnerOrderId?: string;
  readonly ProductCode?: string;
  readonly ProductName?: string;
  readonly Province?: string;
  readonly ResourceGroupId?: string;
  readonly RootBrand?: string;
  /** Comma-separated. */
  readonly Sans?: string;
  readonly SerialNo?: string;
  readonly Sha2?: string;
  readonly SourceType?: string;
  readonly StartDate?: string;
  readonly Status?: string;
  readonly TrusteeStatus?: string;
  readonly Upload?: boolean;
  readonly WildDomainCount?: number;
}
export interface ListUserCertificateOrderResponse {
  readonly CertificateOrderList?: readonly CasCertificateOrder[];
  readonly CurrentPage?: number;
  readonly RequestId?: string;
  readonly ShowSize?: number;
  readonly TotalCount?: number;
}

/** DeleteUserCertificate: deletes an uploaded certificate. */
export interface DeleteUserCertificateRequest {
  readonly CertId: number;
}
export interface DeleteUserCertificateResponse {
  readonly RequestId?: string;
}

export class CasClient {
  readonly #call: RpcCallFn;

  constructor(call: RpcCallFn) {
    this.#call = call;
  }

  /** No ClientToken exists: never repeated blindly (the kind looks for the upload by SHA-256 first). */
  uploadUserCertificate(req: UploadUserCertificateRequest): Promise<UploadUserCertificateResponse> {
    return this.#call('UploadUserCertificate', req, ONCE_WRITE);
  }
  getUserCertificateDetail(req: GetUserCertificateDetailRequest): Promise<GetUserCertificateDetailResponse> {
    return this.#call('GetUserCertificateDetail', req, READ);
  }
  listUserCertificateOrder(req: ListUserCertificateOrderRequest = {}): Promise<ListUserCertificateOrderResponse> {
    return this.#call('ListUserCertificateOrder', req, READ);
  }
  deleteUserCertificate(req: DeleteUserCertificateRequest): Promise<DeleteUserCertificateResponse> {
    return this.#call('DeleteUserCertificate', req, IDEMPOTENT_WRITE);
  }

  /** Every uploaded certificate (OrderType UPLOAD; CurrentPage/ShowSize, TotalCount). */
  allUploads(filter: Omit<ListUserCertificateOrderRequest, 'CurrentPage' | 'ShowSize' | 'OrderType'> = {}, pageSize = CAS_PAGE_SIZE): Promise<Collected<CasCertificateOrder>> {
    return collectAll(
      pagesByNumber(async (CurrentPage, ShowSize) => {
        const r = await this.listUserCertificateOrder({ ...filter, OrderType: 'UPLOAD', CurrentPage, ShowSize });
        return { items: r.CertificateOrderList ?? [], totalCount: r.TotalCount, pageSize: r.ShowSize };
      }, { pageSize }),
    );
  }
}
